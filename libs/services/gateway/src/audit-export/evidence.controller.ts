import { Controller, Get, Inject, Logger, Query, StreamableFile, UseGuards } from '@nestjs/common';
import { CommittedHeadsMismatch, MissingCheckpoint } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import { checkpointJwk } from '@countersign/contracts';
import type { ReadModelStore } from '@countersign/readmodel';
import type { CompiledPolicySet } from '@countersign/policy';
import { CHECKPOINT_KEYS, CLOCK, POLICY_SET, type CheckpointKeySet, type Clock } from '@countersign/runtime';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { assertReadsAudit } from '../audit.controller.ts';
import { ApiKeyGuard, CurrentCaller, type Caller } from '../auth.ts';
import { READ_MODELS } from '../infrastructure.ts';
import { GATEWAY_LIMITS } from '../limits.ts';
import { Problem, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../problem.ts';
import { bundleFileName } from './bundle-layout.ts';
import { bundleTar } from './bundle-tar.ts';
import { buildEvidence, TooManyActions } from './evidence-builder.ts';
import { parseExportQuery } from './export-query.ts';

/** Bundles one gateway instance builds at once: each reads the whole selection and spools it to disk. */
const MAX_CONCURRENT_EXPORTS = 2;

/**
 * `GET /v1/audit/export`: an evidence bundle (issue 13, ADR 0007) as a gzip'd tar, for auditors
 * and admins. Built in a temporary directory first (so a failure is a problem, not a cut archive),
 * then streamed from disk; the directory is removed when the response ends, however it ends.
 */
@Controller('v1/audit')
@UseGuards(ApiKeyGuard)
export class EvidenceController {
  private readonly logger = new Logger('EvidenceExport');
  private running = 0;

  constructor(
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CHECKPOINT_KEYS) private readonly keys: CheckpointKeySet | null,
    @Inject(POLICY_SET) private readonly seed: CompiledPolicySet,
  ) {}

  @Get('export')
  async export(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown): Promise<StreamableFile> {
    assertReadsAudit(caller.principal);
    const filters = parseExportQuery(rawQuery);
    if (this.running >= MAX_CONCURRENT_EXPORTS) {
      throw new Problem(503, 'export-busy', 'Too many exports are being built.', `This instance builds at most ${MAX_CONCURRENT_EXPORTS} bundles at once; try again shortly.`, undefined, {}, { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
    }
    this.running += 1;
    const dir = await mkdtemp(join(tmpdir(), 'countersign-export-')).catch((error: unknown) => {
      this.running -= 1;
      throw error;
    });
    const done = () => {
      this.running -= 1;
      void rm(dir, { recursive: true, force: true }).catch((error: unknown) => this.logger.warn(`could not remove ${dir}: ${(error as Error).message}`));
    };
    try {
      const now = this.clock.now();
      const jwks = { keys: (this.keys?.keys ?? []).map((k) => checkpointJwk({ kid: k.kid, x: k.x, notBefore: k.notBefore, ...(k.notAfter ? { notAfter: k.notAfter } : {}) })) };
      // The configured files, named as in their directory (as GET /v1/policies/active shows them).
      const seed = this.seed.sources ? { version: this.seed.version, files: this.seed.sources.map((f) => ({ path: basename(f.path), text: f.text })) } : undefined;
      const built = await buildEvidence(this.store, dir, { filters, now, jwks, maxActions: this.limits.maxExportActions, ...(seed ? { seed } : {}) });
      if (built.unproven.length > 0) {
        this.logger.warn(`evidence export: ${built.unproven.length} streams the latest checkpoint covers have fewer stored events than it committed to (no proof written), e.g. ${built.unproven[0]}`);
      }
      const archive = bundleTar(built.files, `${JSON.stringify(built.manifest, null, 2)}\n`, now);
      archive.once('close', done);
      return new StreamableFile(archive, { type: 'application/gzip', disposition: `attachment; filename="${bundleFileName(now.toISOString())}"` }).setErrorHandler((error, res) => {
        this.logger.warn(`evidence export cut: ${error.message}`);
        if (res.destroy) res.destroy();
        else res.end();
      });
    } catch (error) {
      done();
      throw refusal(error);
    }
  }
}

function refusal(error: unknown): unknown {
  if (error instanceof TooManyActions) {
    const detail = `The export would hold more than ${error.max} actions (COUNTERSIGN_MAX_EXPORT_ACTIONS): narrow the range or name fewer actions.`;
    return new Problem(422, 'export-too-large', 'The export holds too many actions.', detail, [{ parameter: error.parameter, detail: `selects more than ${error.max} actions` }]);
  }
  if (error instanceof MissingCheckpoint || error instanceof CommittedHeadsMismatch) {
    return new Problem(503, 'checkpoints-unavailable', 'The checkpoints read model is not consistent yet.', error.message, undefined, {}, { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
  }
  return error;
}
