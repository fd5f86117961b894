/**
 * Types for the one world-atlas file the map imports (the package ships JSON only). Vite bundles the JSON; the web
 * tsconfig has no resolveJsonModule, so this ambient module stands in for it.
 */
declare module 'world-atlas/countries-110m.json' {
  import type { GeometryCollection, Topology } from 'topojson-specification';
  const topology: Topology<{ countries: GeometryCollection<{ name: string }>; land: GeometryCollection }>;
  export default topology;
}
