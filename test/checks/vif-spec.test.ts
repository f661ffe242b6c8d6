import { runFixtures } from './fixtures.js';

runFixtures('vif-spec');
