import { clusterPdq } from '../matching/pdq-clusters.js';
import { packPdqHexList } from '../matching/pdq-words.js';
import type { PdqClusterer } from '../services/match.service.js';

/** The matcher's clustering port over the exact MIH self-join (src/matching/pdq-clusters.ts). */
export const clusterPdqHashes: PdqClusterer = (hashes, radius) => clusterPdq(packPdqHexList(hashes), { radius }).clusterOf;
