/** x509-limbo against the committed baseline, shard 1 of 2 (see test/limbo/regression.ts). */
import { limboShard } from '../limbo/regression.js';

limboShard(0, 2);
