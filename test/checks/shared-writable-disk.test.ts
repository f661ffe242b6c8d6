import { runFixtures } from './harness.js';

runFixtures('shared-writable-disk');
