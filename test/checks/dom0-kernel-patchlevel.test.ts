import { runFixtures } from './harness.js';

runFixtures('dom0-kernel-patchlevel');
