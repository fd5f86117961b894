import { join } from 'node:path';
import { openDatabase } from '../../src/db/connection.js';
import { databaseConformance } from '../conformance/database.conformance.js';
import { tempDir } from '../helpers/env.js';

const t = tempDir();
databaseConformance('sqlite', () => openDatabase(join(t.dir, 'conformance.sqlite')), async () => t.cleanup());
