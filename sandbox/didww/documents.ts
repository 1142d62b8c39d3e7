/**
JSON:API documents of the DIDWW sandbox: a resource object with its relationship links, linkage (`data`) only for the
relationships a request includes (as DIDWW renders them), the `include=a.b,c` tree and the top-level `included`
array it selects, and the single-resource document. Lists build on this in lists.ts.
*/

import { invalidInclude } from "./errors";
import { typeOf, type ApiVersion, type Kind, type Naming } from "./naming";
import { attributesOf, relatedIds, relationshipDefs, type RelationshipDef } from "./resources";
import type { SandboxState } from "./state";

export interface RequestContext {
  readonly state: SandboxState;
  readonly version: ApiVersion;
  readonly baseUrl: string;
}

interface ResourceIdentifier {
  type: string;
  id: string;
}

interface RelationshipObject {
  links: { self: string; related: string };
  data?: ResourceIdentifier | ResourceIdentifier[] | null;
}

interface ResourceObject {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  relationships: Record<string, RelationshipObject>;
  meta?: Record<string, unknown>;
}

/** `withLinkage` names the relationships whose `data` is rendered: DIDWW only returns linkage for included ones. */
export function renderResource(
  kind: Kind,
  id: string,
  withLinkage: ReadonlySet<string>,
  ctx: RequestContext,
): ResourceObject {
  const type = typeOf(kind, ctx.version.naming);
  const resourceUrl = `${ctx.baseUrl}/${type}/${encodeURIComponent(id)}`;
  const relationships: Record<string, RelationshipObject> = {};
  for (const relationship of relationshipDefs(kind, ctx.version.naming)) {
    const rendered: RelationshipObject = {
      links: {
        self: `${resourceUrl}/relationships/${relationship.name}`,
        related: `${resourceUrl}/${relationship.name}`,
      },
    };
    if (withLinkage.has(relationship.name)) {
      rendered.data = linkage(relationship, relatedIds(kind, id, relationship, ctx.state));
    }
    relationships[relationship.name] = rendered;
  }
  const resource: ResourceObject = { id, type, attributes: attributesOf(kind, id, ctx.state), relationships };
  if (kind === "groups") resource.meta = { trunks_count: ctx.state.requireGroup(id).trunkIds.length };
  return resource;
}

function linkage(relationship: RelationshipDef, ids: string[]): ResourceIdentifier | ResourceIdentifier[] | null {
  const identifiers = ids.map((id) => ({ type: relationship.type, id }));
  return relationship.toMany ? identifiers : (identifiers[0] ?? null);
}

/** `include=a.b,c` as a tree: a → {b}, c → {}. */
export type IncludeTree = Map<string, IncludeTree>;

export function parseInclude(param: string | undefined): IncludeTree {
  const tree: IncludeTree = new Map();
  for (const path of (param ?? "").split(",")) {
    let node = tree;
    for (const segment of path.trim().split(".").filter((name) => name !== "")) {
      const child = node.get(segment) ?? new Map<string, IncludeTree>();
      node.set(segment, child);
      node = child;
    }
  }
  return tree;
}

/**
Rejects names that are not relationships of the resource, level by level. Only relationships between DIDs,
trunks and groups can be followed further, because the sandbox knows nothing about the other resources.
*/
export function validateInclude(tree: IncludeTree, kind: Kind, naming: Naming): void {
  const relationships = relationshipDefs(kind, naming);
  for (const [name, children] of tree) {
    const relationship = relationships.find((candidate) => candidate.name === name);
    if (relationship === undefined) throw invalidInclude(name, typeOf(kind, naming));
    const [firstChild] = children.keys();
    if (firstChild === undefined) continue;
    if (relationship.target === undefined) throw invalidInclude(firstChild, relationship.type);
    validateInclude(children, relationship.target, naming);
  }
}

interface IncludedEntry {
  readonly kind: Kind;
  readonly id: string;
  /** Relationships of this included resource that a nested include path goes through, so they carry linkage. */
  readonly withLinkage: Set<string>;
}

function collectIncluded(
  kind: Kind,
  id: string,
  tree: IncludeTree,
  ctx: RequestContext,
  out: Map<string, IncludedEntry>,
): void {
  for (const relationship of relationshipDefs(kind, ctx.version.naming)) {
    const children = tree.get(relationship.name);
    const target = relationship.target;
    if (children === undefined || target === undefined) continue;
    for (const relatedId of relatedIds(kind, id, relationship, ctx.state)) {
      const key = `${target}/${relatedId}`;
      const entry = out.get(key) ?? { kind: target, id: relatedId, withLinkage: new Set<string>() };
      out.set(key, entry);
      for (const name of children.keys()) entry.withLinkage.add(name);
      collectIncluded(target, relatedId, children, ctx, out);
    }
  }
}

/** The related resources of all primary resources, each once, for the top-level `included` array. */
export function includedResources(
  kind: Kind,
  ids: readonly string[],
  tree: IncludeTree,
  ctx: RequestContext,
): ResourceObject[] {
  const entries = new Map<string, IncludedEntry>();
  for (const id of ids) collectIncluded(kind, id, tree, ctx, entries);
  // JSON:API forbids repeating a primary resource in `included` (e.g. include=voice_in_trunks.voice_in_trunk_group).
  for (const id of ids) entries.delete(`${kind}/${id}`);
  return [...entries.values()].map((entry) => renderResource(entry.kind, entry.id, entry.withLinkage, ctx));
}

export function resourceDocument(
  kind: Kind,
  id: string,
  includeParam: string | undefined,
  ctx: RequestContext,
): object {
  const tree = parseInclude(includeParam);
  validateInclude(tree, kind, ctx.version.naming);
  const data = renderResource(kind, id, new Set(tree.keys()), ctx);
  const meta = { api_version: ctx.version.served };
  if (tree.size === 0) return { data, meta };
  return { data, included: includedResources(kind, [id], tree, ctx), meta };
}
