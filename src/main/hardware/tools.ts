import { execFile } from 'node:child_process';

/** What running a vendor tool gave: its output, or why there is none (in words for the report's notes). */
export type ToolResult = { ok: true; stdout: string } | { ok: false; missing: boolean; why: string };

/**
 * Runs a vendor tool (nvidia-smi, rocm-smi) with a time limit. A tool that is not installed is normal (missing);
 * one that fails or hangs is worth a note, never a throw.
 */
export function runTool(command: string, args: string[], timeoutMs = 5000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, maxBuffer: 4 * 2 ** 20, windowsHide: true, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return resolve({ ok: true, stdout });
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT')
          return resolve({ ok: false, missing: true, why: `${command} is not installed` });
        const why = e.killed
          ? `${command} did not answer within ${timeoutMs} ms`
          : `${command} failed: ${(stderr || stdout || e.message).trim().split('\n')[0]}`;
        resolve({ ok: false, missing: false, why });
      },
    );
  });
}
