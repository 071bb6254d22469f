/**
 * Runs before each test file (vitest `setupFiles`), also where files share a
 * worker's module cache (the unit tier runs with `isolate: false`): hooks
 * registered here apply to every file, unlike hooks registered when a
 * helper module is first imported.
 */

import { afterEach } from 'vitest';
import { removeTempDirs } from './fixtures.js';

afterEach(removeTempDirs);
