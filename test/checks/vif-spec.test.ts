import { runFixtures } from './harness.js';

runFixtures('vif-spec');
