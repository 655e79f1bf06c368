import 'reflect-metadata';
import { runCli } from './cli-program';

runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY,
})
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    process.stderr.write(`error: ${String(error)}\n`);
    process.exit(1);
  });
