import { runFixtures } from './harness.js';

runFixtures('disk-spec');
