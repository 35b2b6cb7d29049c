// The upstream servers' prompts, fronted but not gated: a prompt is a template the user picks,
// text for the model, and getting one runs nothing upstream, so there is nothing for Countersign
// to approve (what the model then does with it goes through tools/call and resources/read, which
// are gated). Names and conflicts work as for tools: one list, prefixes, never a guessed server.
import { ErrorCode, McpError, type GetPromptResult, type Prompt } from '@modelcontextprotocol/sdk/types.js';
import { NamedCatalog, offers, UpstreamConflict, type Upstream } from './catalog.ts';

export class UpstreamPrompts {
  private readonly catalog: NamedCatalog<Prompt>;

  /** Only the servers that advertise prompts are asked. */
  constructor(upstreams: readonly Upstream[]) {
    this.catalog = new NamedCatalog<Prompt>(upstreams.filter((u) => offers(u, 'prompts')), {
      kind: 'prompt',
      what: 'prompts',
      page: async ({ client }, cursor) => {
        const { prompts, nextCursor } = await client.listPrompts(cursor === undefined ? undefined : { cursor });
        return { items: prompts, nextCursor };
      },
    });
  }

  /** Whether any server has prompts: the gate advertises prompts only then. */
  get offered(): boolean {
    return this.catalog.upstreams.length > 0;
  }

  /** Every server's prompts in the configuration's order; a name two servers expose throws UpstreamConflict. */
  list(): Promise<Prompt[]> {
    return this.catalog.list();
  }

  /** The prompt from the server that exposes the name, under that server's own name, answered unchanged. */
  async get(name: string, args: Record<string, string> | undefined): Promise<GetPromptResult> {
    const route = await this.catalog.resolve(name);
    if (route instanceof UpstreamConflict) throw new McpError(ErrorCode.InvalidParams, route.message);
    if (!route) throw new McpError(ErrorCode.InvalidParams, `no prompt is named ${JSON.stringify(name)} behind this gate`);
    return route.upstream.client.getPrompt({ name: route.item.name, ...(args ? { arguments: args } : {}) }, { timeout: route.upstream.config.callTimeoutMs });
  }

  forget(): void {
    this.catalog.forget();
  }
}
