import { runFixtures } from './harness.js';

runFixtures('emulated-nic');
