/**
 * The item's GPS position on an offline map. The lab has no internet, and a tile request would leak the location
 * to a tile server, so there is no tile layer at all: the base is Natural Earth's 1:110m land and country borders
 * (public domain, from the world-atlas package's TopoJSON), bundled into this chunk and drawn by Leaflet's SVG
 * renderer as plain vector layers. The item is a circle marker (Leaflet's default marker is an image asset; circle
 * markers are SVG paths, so the page's CSP needs nothing new); the case's other GPS items are small dots, which
 * open that item when clicked. Loaded lazily (see ItemPanel) so the grid's bundle does not carry the map.
 */
import type { GeoJsonObject } from 'geojson';
import { useEffect, useRef, useState } from 'react';
import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { feature, mesh } from 'topojson-client';
import world from 'world-atlas/countries-110m.json';
import { api } from '../../lib/api.js';

export interface GpsPoint { id: string; lat: number; lon: number }

/** Land and borders as GeoJSON, converted once per page load (the TopoJSON is ~100 kB). */
let base: { land: GeoJsonObject; borders: GeoJsonObject } | null = null;
function baseLayers() {
  base ??= {
    land: feature(world, world.objects.land),
    borders: mesh(world, world.objects.countries, (a, b) => a !== b),
  };
  return base;
}

/** At most this many of the case's other GPS items are drawn (the endpoint's own cap). */
const OTHERS_LIMIT = 5000;

export default function ItemMap({ caseId, itemId, lat, lon, onOpen }: { caseId: string; itemId: string; lat: number; lon: number; onOpen: (id: string) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const others = useRef<L.LayerGroup | null>(null);
  const here = useRef<L.CircleMarker | null>(null);
  const [points, setPoints] = useState<GpsPoint[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const openRef = useRef(onOpen);
  openRef.current = onOpen;

  // The map itself: created once per mounted panel, removed on unmount. It gets its view at once (Leaflet's vector
  // layers cannot be added to a map without one); later items move it in the effect below.
  const first = useRef<[number, number]>([lat, lon]);
  useEffect(() => {
    if (!el.current) return;
    const m = L.map(el.current, { center: first.current, zoom: 4, preferCanvas: false, minZoom: 1, maxZoom: 10, worldCopyJump: false, attributionControl: true, maxBounds: [[-90, -200], [90, 200]] });
    m.attributionControl.setPrefix(false).addAttribution('Natural Earth (offline)');
    const { land, borders } = baseLayers();
    L.geoJSON(land, { interactive: false, style: { className: 'map-land', color: '#8a8f7a', weight: 0.6, fillColor: '#ecebdf', fillOpacity: 1 } }).addTo(m);
    L.geoJSON(borders, { interactive: false, style: { className: 'map-border', color: '#9a9a9a', weight: 0.6, fill: false } }).addTo(m);
    others.current = L.layerGroup().addTo(m);
    map.current = m;
    return () => {
      m.remove();
      map.current = null;
      others.current = null;
      here.current = null;
    };
  }, []);

  // The item's own marker and the view, whenever the item changes.
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    here.current?.remove();
    here.current = L.circleMarker([lat, lon], { className: 'map-here', radius: 7, color: '#7a0010', weight: 2, fillColor: '#e0324b', fillOpacity: 0.9 })
      .bindTooltip(`${lat.toFixed(5)}, ${lon.toFixed(5)}`)
      .addTo(m);
    m.setView([lat, lon], Math.max(m.getZoom(), 4));
  }, [lat, lon]);

  // The case's other GPS items: metadata from the server (ids and coordinates only).
  useEffect(() => {
    let live = true;
    api<{ points: GpsPoint[] }>('GET', `/api/cases/${caseId}/gps-points?limit=${OTHERS_LIMIT}`).then(
      (r) => live && setPoints(r.points),
      (e: Error) => live && setNote(`Other GPS items not shown: ${e.message}`),
    );
    return () => { live = false; };
  }, [caseId]);

  useEffect(() => {
    const g = others.current;
    if (!g) return;
    g.clearLayers();
    for (const p of points) {
      if (p.id === itemId) continue;
      L.circleMarker([p.lat, p.lon], { className: 'map-other', radius: 3, color: '#1f4e79', weight: 1, fillColor: '#4a86c5', fillOpacity: 0.8 })
        .on('click', () => openRef.current(p.id))
        .addTo(g);
    }
    here.current?.bringToFront();
  }, [points, itemId]);

  return (
    <div className="item-map-wrap">
      <div ref={el} className="item-map" data-testid="item-map" role="region" aria-label={`Map: ${lat.toFixed(4)}, ${lon.toFixed(4)}`} />
      <div className="hint">
        Offline base map (Natural Earth 1:110m, no tiles){points.length > 1 ? ` · ${points.length - (points.some((p) => p.id === itemId) ? 1 : 0)} other GPS items of the case (click to open)` : ''}
      </div>
      {note && <p className="hint err">{note}</p>}
    </div>
  );
}
