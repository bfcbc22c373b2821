// Starts Tollgate's sample webapp (the launcher jar built by `mvn install`) on loopback.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SAMPLE_JAR = process.env.TOLLGATE_SAMPLE_JAR
  ?? path.resolve(here, '..', '..', 'sample-webapp', 'target', 'tollgate-sample.jar');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export async function startSample({ env, log = () => {}, name = 'sample' }) {
  if (!existsSync(SAMPLE_JAR)) {
    throw new Error(`${SAMPLE_JAR} is missing: run \`mvn -B -DskipTests install\` first`);
  }
  const port = await freePort();
  const proc = spawn('java', ['-jar', SAMPLE_JAR], {
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d) => { output += d; for (const line of String(d).split('\n')) if (line) log(`${name}: ${line}`); };
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}:\n${output}`);
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`${name} did not answer /health within 60 s:\n${output}`); }
    await new Promise((res) => setTimeout(res, 200));
  }
  return {
    url,
    proc,
    output: () => output,
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
    }),
  };
}

/** Runs `java -jar tollgate-sample.jar args...` to completion (the demo payer), bounded in time. */
/**
 * Runs the jar without blocking this process: needed whenever the jar talks to a server living in this
 * same Node process (the capture server, the reference @x402/express server), which a synchronous spawn
 * would starve.
 */
export function runJarAsync(args, { env = {}, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn('java', ['-jar', SAMPLE_JAR, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => { clearTimeout(timer); resolve({ status: null, signal: null, stdout, stderr, error }); });
    child.on('close', (status, signal) => { clearTimeout(timer); resolve({ status, signal, stdout, stderr }); });
  });
}

export function runJar(args, { env = {}, timeoutMs = 60_000 } = {}) {
  const r = spawnSync('java', ['-jar', SAMPLE_JAR, ...args], {
    env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}
