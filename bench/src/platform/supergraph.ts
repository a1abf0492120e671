/**
 * The committed supergraph (gateway/supergraph.graphql) as another gateway is given it: the
 * subgraphs at this run's addresses, and, for a gateway that refuses `for: SECURITY` features it
 * does not enforce (@apollo/gateway), without that marker, as our gateway's planner copy (ADR 0006).
 */
export function withSubgraphUrls(supergraphSdl: string, urls: Readonly<Record<string, string>>): string {
  return supergraphSdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) =>
    urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole,
  );
}

export function withoutSecurityMarkers(supergraphSdl: string): string {
  return supergraphSdl.replace(
    /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes|policy)\/v0\.1"), for: SECURITY\)/g,
    '$1)',
  );
}
