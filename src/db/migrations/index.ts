import type { Migration, MigrationProvider } from 'kysely';
import type { EngineCapabilities } from '../engine.js';
import { initialSchema } from './0001-initial-schema.js';
import { perceptualHash } from './0002-perceptual-hash.js';
import { hashSetsAndMatches } from './0003-hash-sets-and-matches.js';
import { videoAndThumbnails } from './0004-video-and-thumbnails.js';
import { diskImages } from './0005-disk-images.js';
import { usersAuditReview } from './0006-users-audit-review.js';
import { labWorkers } from './0007-lab-workers.js';
import { hotline } from './0008-hotline.js';
import { seriesVictims } from './0009-series-victims.js';
import { byteRuns } from './0010-byte-runs.js';
import { reviewStatusOrder } from './0011-review-status-order.js';

/**
 * Migrations are ordered by name and shared by both engines. They receive the engine's capabilities to pick
 * column types (never a branch on the engine's name).
 */
export function migrationProvider(caps: EngineCapabilities): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001-initial-schema': initialSchema(caps),
        '0002-perceptual-hash': perceptualHash(caps),
        '0003-hash-sets-and-matches': hashSetsAndMatches(caps),
        '0004-video-and-thumbnails': videoAndThumbnails(caps),
        '0005-disk-images': diskImages(caps),
        '0006-users-audit-review': usersAuditReview(caps),
        '0007-lab-workers': labWorkers(caps),
        '0008-hotline': hotline(caps),
        '0009-series-victims': seriesVictims(caps),
        '0010-byte-runs': byteRuns(caps),
        '0011-review-status-order': reviewStatusOrder(caps),
      };
    },
  };
}
