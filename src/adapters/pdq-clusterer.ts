import { clusterPdq } from '../matching/pdq-clusters.js';
import { packPdqHexList } from '../matching/pdq-words.js';
import { clusterVideos } from '../matching/video-clusters.js';
import type { Clusterers } from '../services/match.service.js';

/** The matcher's clustering ports: pictures by the exact MIH self-join, videos by the vPDQ rule over one index. */
export const nearDuplicateClusterers: Clusterers = {
  pictures: (hashes, radius) => clusterPdq(packPdqHexList(hashes), { radius }).clusterOf,
  videos: (videos, radius) => clusterVideos(videos, { radius }),
};
