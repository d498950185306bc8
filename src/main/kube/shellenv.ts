/**
 * The user's login-shell PATH. A desktop app started from a launcher (Dock, Start menu, a .desktop
 * file) does not inherit the PATH a terminal has, so exec credential plugins installed by
 * Homebrew, asdf, gcloud or the AWS CLI are not found; Headlamp and Freelens ask the login shell,
 * and so does Vigil: once, with a timeout, merged in front of the process's own PATH.
 */
import { spawn } from 'node:child_process';

const MARK = '__VIGIL_SHELL_PATH__';

let cached: Promise<string> | null = null;

/** loginShellPath returns the login shell's PATH ('' where there is none, on Windows, or on error). */
export function loginShellPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, timeoutMs = 5000): Promise<string> {
  if (platform === 'win32' || env.VIGIL_NO_SHELL_PATH === '1') return Promise.resolve('');
  cached ??= new Promise<string>((resolve) => {
    const shell = env.SHELL || '/bin/sh';
    let out = '';
    let done = false;
    const finish = (v: string): void => {
      if (done) return;
      done = true;
      resolve(v);
    };
    try {
      const p = spawn(shell, ['-ilc', `printf '%s%s%s' '${MARK}' "$PATH" '${MARK}'`], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...env, DISABLE_AUTO_UPDATE: 'true' } });
      const timer = setTimeout(() => {
        p.kill('SIGKILL');
        finish('');
      }, timeoutMs);
      timer.unref();
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.on('error', () => finish(''));
      p.on('close', () => {
        clearTimeout(timer);
        const m = new RegExp(`${MARK}(.*?)${MARK}`, 's').exec(out);
        finish(m ? m[1]!.trim() : '');
      });
    } catch {
      finish('');
    }
  });
  return cached;
}

/** mergePaths joins PATH lists, first occurrence first, without empty entries. */
export function mergePaths(sep: string, ...lists: string[]): string {
  const out: string[] = [];
  for (const l of lists) for (const p of l.split(sep)) if (p !== '' && !out.includes(p)) out.push(p);
  return out.join(sep);
}
