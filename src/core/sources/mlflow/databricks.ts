import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SourceError } from '../sourceUri';

/**
 * The Databricks workspace a source names, the way MLflow's own client finds it: `databricks` (or
 * MLFLOW_TRACKING_URI=databricks) is DATABRICKS_HOST with DATABRICKS_TOKEN, else the DEFAULT profile of the
 * Databricks CLI's config file; `databricks://<profile>` is that profile of the file (DATABRICKS_CONFIG_FILE, else
 * ~/.databrickscfg). Only personal access tokens are read (the file's `token`); the workspace's MLflow REST API is
 * then read like any tracking server's.
 */
export interface DatabricksWorkspace {
  /** https://<workspace>, no trailing slash. */
  host: string;
  token?: string;
  /** Where host and token came from, for messages (never the token). */
  from: string;
}

/** Whether a source URI (or MLFLOW_TRACKING_URI) names a Databricks workspace rather than a server URL. */
export function isDatabricksUri(uri: string): boolean {
  return /^databricks(?::\/\/[^/]*)?$/i.test(uri.trim());
}

export function databricksWorkspace(uri: string, env: NodeJS.ProcessEnv): DatabricksWorkspace {
  const profile = /^databricks:\/\/([^/]*)$/i.exec(uri.trim())?.[1] ?? '';
  if (!profile && env.DATABRICKS_HOST?.trim())
    return {
      host: httpsUrl(env.DATABRICKS_HOST.trim()),
      ...(env.DATABRICKS_TOKEN ? { token: env.DATABRICKS_TOKEN } : {}),
      from: 'DATABRICKS_HOST/DATABRICKS_TOKEN',
    };
  const file = env.DATABRICKS_CONFIG_FILE?.trim() || path.join(env.HOME || os.homedir(), '.databrickscfg');
  const name = decodeURIComponent(profile) || 'DEFAULT';
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new SourceError(
      `${uri.trim()}: set DATABRICKS_HOST and DATABRICKS_TOKEN, or write the profile ${name} in ${file} (databricks configure)`,
    );
  }
  const section = iniSection(text, name);
  if (!section?.host) throw new SourceError(`${uri.trim()}: ${file} has no profile ${name} with a host`);
  return {
    host: httpsUrl(section.host),
    ...(section.token ? { token: section.token } : {}),
    from: `the profile ${name} of ${file}`,
  };
}

/** The keys of one `[name]` section of an INI file (the Databricks CLI's format); undefined when it has none. */
function iniSection(text: string, name: string): Record<string, string> | undefined {
  let current: string | undefined;
  let out: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.*)\]$/.exec(line);
    if (head) {
      current = head[1]!.trim();
      if (current === name) out ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (current === name && out && eq > 0) out[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** A host as the Databricks tools accept it (with or without https://), as a URL without a trailing slash. */
function httpsUrl(host: string): string {
  return (/^https?:\/\//i.test(host) ? host : `https://${host}`).replace(/\/+$/, '');
}
