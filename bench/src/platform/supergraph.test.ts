import { withoutSecurityMarkers, withSubgraphUrls } from './supergraph';

const SDL = `schema
  @link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)
{ query: Query }
enum join__Graph {
  ACADEMICS @join__graph(name: "academics", url: "http://127.0.0.1:4003/graphql")
  STUDENTS @join__graph(name: "students", url: "http://127.0.0.1:4002/graphql")
}`;

describe('the supergraph for the other gateways', () => {
  it('points each named subgraph at this run’s address and leaves the others', () => {
    const sdl = withSubgraphUrls(SDL, { students: 'http://127.0.0.1:39001/graphql' });
    expect(sdl).toContain('STUDENTS @join__graph(name: "students", url: "http://127.0.0.1:39001/graphql")');
    expect(sdl).toContain('ACADEMICS @join__graph(name: "academics", url: "http://127.0.0.1:4003/graphql")');
  });

  it('drops only the SECURITY markers', () => {
    const sdl = withoutSecurityMarkers(SDL);
    expect(sdl).not.toContain('for: SECURITY');
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/authenticated/v0.1")');
    expect(sdl).toContain('for: EXECUTION');
  });
});
