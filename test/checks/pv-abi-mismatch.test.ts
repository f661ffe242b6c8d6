import { runFixtures } from './fixtures.js';

runFixtures('pv-abi-mismatch');
