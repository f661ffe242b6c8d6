import { runFixtures } from './fixtures.js';

runFixtures('disk-spec');
