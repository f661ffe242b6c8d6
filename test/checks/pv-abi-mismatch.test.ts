import { runFixtures } from './harness.js';

runFixtures('pv-abi-mismatch');
