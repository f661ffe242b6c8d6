import { runFixtures } from './fixtures.js';

runFixtures('emulated-nic');
