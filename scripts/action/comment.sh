#!/usr/bin/env bash
# Step 3 of action.yml: creates or updates ONE pull-request comment (found by its hidden marker) with the gh CLI.
# Three REST endpoints: list the issue's comments, create a comment, update a comment.
set -euo pipefail
if [ "${INPUT_COMMENT:-true}" != true ]; then echo "comment: off"; exit 0; fi
if [ -z "${PR_NUMBER:-}" ]; then echo "comment: not a pull request event, nothing to comment on"; exit 0; fi
: "${GITHUB_REPOSITORY:?}" "${COMMENT_FILE:?}"
marker='<!-- runlens-review -->'
# The first comment holding the marker, across every page of comments; empty when there is none yet.
id="$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments?per_page=100" \
  --jq ".[] | select(.body | contains(\"$marker\")) | .id" | head -n 1)"
if [ -n "$id" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$COMMENT_FILE" --jq .html_url
  echo "comment: updated $id"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" -F "body=@$COMMENT_FILE" --jq .html_url
  echo "comment: created"
fi
