import { Command } from 'commander';
import { registerCaseCommands } from './commands/case.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerExportCommand } from './commands/export.js';
import { registerReportCommand } from './commands/report.js';
import { registerHashSetCommands } from './commands/hashset.js';
import { registerMatchCommand } from './commands/match.js';
import { registerPdqCommand } from './commands/pdq.js';
import { registerScanCommand } from './commands/scan.js';
import { registerServeCommand } from './commands/serve.js';
import { registerUserCommands } from './commands/user.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerJobsCommands } from './commands/jobs.js';
import { registerStatusCommand } from './commands/status.js';
import { registerHotlineCommands } from './commands/hotline.js';
import { runAction } from './run-action.js';
import { VERSION } from './version.js';

const program = new Command('winnow')
  .description('Winnow: triage seized media — hash every file, identify it, read its metadata, export it')
  .version(VERSION)
  .option('-w, --workspace <dir>', 'workspace folder (database, scratch, derived files) [$WINNOW_HOME or ./winnow-data]')
  .option('--db <url>', 'database: postgres://… for lab mode, or a SQLite file path [$WINNOW_DB or <workspace>/winnow.sqlite]')
  .showHelpAfterError();

registerCaseCommands(program);
registerScanCommand(program);
registerExportCommand(program);
registerReportCommand(program);
registerHashSetCommands(program);
registerMatchCommand(program);
registerDemoCommand(program);
registerPdqCommand(program);
registerServeCommand(program);
registerUserCommands(program);
registerAuditCommands(program);
registerWorkerCommand(program);
registerJobsCommands(program);
registerStatusCommand(program);
registerHotlineCommands(program);

void runAction(() => program.parseAsync(process.argv));
