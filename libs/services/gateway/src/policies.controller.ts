import { Body, Controller, Get, Headers, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { activePolicy, COLLECTIONS, type PolicyDocument } from '@countersign/audit';
import { POLICY_PUBLISH_ACTION, type PolicyFileContent } from '@countersign/contracts';
import { formatPolicyError, loadPolicySet, type CompiledPolicySet } from '@countersign/policy';
import type { ReadModelStore } from '@countersign/readmodel';
import { POLICY_SET } from '@countersign/runtime';
import type { Response } from 'express';
import { basename } from 'node:path';
import { ApiKeyGuard, CurrentCaller, type Caller } from './auth.ts';
import { READ_MODELS } from './infrastructure.ts';
import { JsonBody } from './json-body.ts';
import { Problem, badRequest } from './problem.ts';
import { Proposer } from './proposer.ts';
import { checker, emptyQuery } from './request-schemas.ts';
import { publishPolicyBody, rollbackPolicyBody, VERSION_PATTERN } from './policy-requests.ts';

interface PublishBody { files: PolicyFileContent[]; justification?: string }
interface RollbackBody { version: string; justification?: string }

const parsePublish = checker<PublishBody>(publishPolicyBody, 'body');
const parseRollback = checker<RollbackBody>(rollbackPolicyBody, 'body');
const parseEmpty = checker<object>(emptyQuery, 'query');

/** The resource every publication acts on: the one policy set of this deployment. */
const POLICY_RESOURCE = 'countersign/policy-set';

/**
 * Policy as a product surface: read the published versions, propose a new one or a rollback.
 * A proposal is an ordinary `countersign.policy.publish` action, so the policy in force decides
 * who must approve it, nobody approves their own, and the publication is in the audit trail.
 */
@Controller('v1/policies')
@UseGuards(ApiKeyGuard)
export class PoliciesController {
  constructor(
    @Inject(Proposer) private readonly proposer: Proposer,
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(POLICY_SET) private readonly seed: CompiledPolicySet,
  ) {}

  @Get()
  async list(@Query() rawQuery: unknown) {
    parseEmpty(rawQuery);
    const docs = await this.published();
    return { active: this.describeActive(docs), items: docs.map(({ _id, files, ...rest }) => ({ ...rest, files: files.map((f) => f.path), links: links(_id) })) };
  }

  @Get('active')
  async active(@Query() rawQuery: unknown) {
    parseEmpty(rawQuery);
    const doc = await this.activeDoc();
    return doc ? present(doc) : { version: this.seed.version, source: 'seed', files: this.seedFiles(this.seed.version) ?? [], links: links(this.seed.version) };
  }

  @Get(':version')
  async get(@Param('version') version: string, @Query() rawQuery: unknown) {
    parseEmpty(rawQuery);
    const doc = await this.find(version);
    if (doc) return present(doc);
    const files = this.seedFiles(version);
    if (files) return { version, source: 'seed', files, links: links(version) };
    throw notFound(version);
  }

  @Post()
  @JsonBody({ limit: 'policy', metered: true })
  async publish(@CurrentCaller() caller: Caller, @Body() raw: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const body = parsePublish(raw);
    const twice = body.files.findIndex((f, i) => body.files.findIndex((g) => g.path === f.path) !== i);
    if (twice >= 0) throw badRequest([{ pointer: `/files/${twice}/path`, detail: `repeats the path ${body.files[twice].path}` }]);
    const loaded = loadPolicySet(body.files);
    if (!loaded.ok) {
      const index = new Map(body.files.map((f, i) => [f.path, i]));
      throw new Problem(422, 'invalid-policy', 'The policy files are not valid.', `${loaded.errors.length} problem(s): nothing was proposed.`,
        loaded.errors.map((e) => ({ pointer: `/files/${index.get(e.file) ?? 0}/text`, detail: formatPolicyError(e) })));
    }
    const previous = await this.activeVersion();
    if (loaded.policy.version === previous) {
      throw new Problem(409, 'policy-unchanged', 'This policy is already in force.', `Version ${previous} is the active policy; there is nothing to publish.`,
        [{ pointer: '/files', detail: `are the active version ${previous}` }]);
    }
    const params = { version: loaded.policy.version, files: body.files, previousVersion: previous };
    return this.proposer.propose(caller, { action: POLICY_PUBLISH_ACTION, resource: POLICY_RESOURCE, params, ...justified(body) }, body, key, res);
  }

  @Post('rollback')
  @JsonBody({ metered: true })
  async rollback(@CurrentCaller() caller: Caller, @Body() raw: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const body = parseRollback(raw);
    const files = (await this.find(body.version))?.files ?? this.seedFiles(body.version);
    if (!files) {
      throw new Problem(404, 'policy-not-found', 'No such policy version.', `No policy version ${body.version} was ever published or configured here.`,
        [{ pointer: '/version', detail: 'is not a known policy version' }]);
    }
    const previous = await this.activeVersion();
    if (body.version === previous) {
      throw new Problem(409, 'policy-unchanged', 'This policy is already in force.', `Version ${previous} is the active policy.`, [{ pointer: '/version', detail: 'is the active version' }]);
    }
    const params = { version: body.version, files, previousVersion: previous, rollbackOf: body.version };
    return this.proposer.propose(caller, { action: POLICY_PUBLISH_ACTION, resource: POLICY_RESOURCE, params, ...justified(body) }, body, key, res);
  }

  /** The configured files (the seed), named as in their directory: what rolling back to it publishes. */
  private seedFiles(version: string): PolicyFileContent[] | undefined {
    if (version !== this.seed.version || !this.seed.sources) return undefined;
    return this.seed.sources.map((f) => ({ path: basename(f.path), text: f.text }));
  }

  /** Latest publication first, by (publishedAt, eventId) as audit's `publicationOrder`: the first is the active one. */
  private published(limit?: number): Promise<PolicyDocument[]> {
    return this.store.collection<PolicyDocument>(COLLECTIONS.policies).find({}, { sort: { publishedAt: -1, eventId: -1 }, ...(limit ? { limit } : {}) });
  }

  /** Loads the active document alone, not every version with its files. */
  private async activeDoc(): Promise<PolicyDocument | undefined> {
    return activePolicy(await this.published(1));
  }

  private async find(version: string): Promise<PolicyDocument | undefined> {
    if (!new RegExp(VERSION_PATTERN).test(version)) return undefined;
    const [doc] = await this.store.collection<PolicyDocument>(COLLECTIONS.policies).find({ _id: version }, { limit: 1 });
    return doc;
  }

  private async activeVersion(): Promise<string> {
    return (await this.activeDoc())?.version ?? this.seed.version;
  }

  private describeActive(docs: PolicyDocument[]) {
    const doc = activePolicy(docs);
    return doc ? { version: doc.version, source: 'published', publishedAt: doc.publishedAt, actionId: doc.actionId } : { version: this.seed.version, source: 'seed' };
  }
}

const links = (version: string) => ({ self: `/v1/policies/${version}` });
const present = ({ _id, ...doc }: PolicyDocument) => ({ ...doc, source: 'published', links: { ...links(_id), action: `/v1/actions/${doc.actionId}` } });
const justified = (body: { justification?: string }) => (body.justification !== undefined ? { justification: body.justification } : {});
const notFound = (version: string) => new Problem(404, 'policy-not-found', 'No such policy version.', `There is no policy version ${version}.`);
