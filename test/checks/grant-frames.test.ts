import { runFixtures } from './harness.js';

runFixtures('grant-frames');
