#!/usr/bin/env bash
# Step 2 of action.yml: runs `runlens review`, writes the comment to the job summary and a file, and sets the
# outputs verdict, exit-code and comment-file. Never fails itself: the comment is posted first, the gate step fails.
set -uo pipefail
: "${RUNLENS_CLI:?set by setup.sh}" "${GITHUB_OUTPUT:?}" "${RUNNER_TEMP:?}"
out="$RUNNER_TEMP/runlens-review"
mkdir -p "$out"
args=(review "${INPUT_WORKING_DIRECTORY:-.}" --format md --out "$out/artifacts")
if [ -n "${INPUT_BASE:-}" ]; then args+=(--base "$INPUT_BASE"); fi
# One gate per line; blank lines and surrounding spaces ignored.
while IFS= read -r gate; do
  gate="$(printf '%s' "$gate" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')"
  if [ -n "$gate" ]; then args+=(--fail-on "$gate"); fi
done <<< "${INPUT_FAIL_ON:-}"
if [ "${INPUT_BEYOND_NOISE:-false}" = true ]; then args+=(--beyond-noise); fi
# Extra options are split on whitespace, never evaluated by the shell.
if [ -n "${INPUT_ARGS:-}" ]; then read -r -a extra <<< "$INPUT_ARGS"; args+=("${extra[@]}"); fi

node "$RUNLENS_CLI" "${args[@]}" > "$out/comment.md" 2> "$out/stderr.txt"
code=$?
cat "$out/stderr.txt" >&2
case "$code" in
  0) verdict=pass ;;
  1) verdict=fail ;;
  3) verdict=no-runs ;;
  *) verdict=error ;;
esac
if [ ! -s "$out/comment.md" ]; then
  # No comment printed (no runs, a usage error): say why, in the same sticky comment. The message is plain text
  # from Runlens and git; backticks and control characters are dropped so it stays inside its code block.
  {
    echo '<!-- runlens-review -->'
    echo "### ⚠️ Runlens review: could not compare ($verdict, exit $code)"
    echo
    echo '```text'
    tr -d '`\000-\010\013-\037\177' < "$out/stderr.txt"
    echo '```'
  } > "$out/comment.md"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$out/comment.md" >> "$GITHUB_STEP_SUMMARY"; fi
{
  echo "verdict=$verdict"
  echo "exit-code=$code"
  echo "comment-file=$out/comment.md"
} >> "$GITHUB_OUTPUT"
exit 0
