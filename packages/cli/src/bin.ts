import { runCli } from './cli.js';
import { handleStdoutErrors } from './stdout-errors.js';

handleStdoutErrors();
process.exitCode = await runCli(process.argv.slice(2));
