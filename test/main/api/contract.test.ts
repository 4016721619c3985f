// The contract's derived types and names: what the renderer's API object looks like in both hosts.
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  eventMethod, eventNames, events, requestNames, requests,
  type BackpropApi, type DatasetSummary, type EventPayload, type ModelInfo, type Prediction,
} from '../../../main/api/contract.ts';

describe('the API contract', () => {
  it('derives one async function per request and one subscription per event', () => {
    expectTypeOf<BackpropApi['listBuiltins']>().toEqualTypeOf<(payload?: undefined) => Promise<{ name: 'mnist' | 'iris' | 'circle' | 'xor' | 'blobs' | 'spiral'; description: string; kind: 'tabular' | 'image' }[]>>();
    expectTypeOf<BackpropApi['predict']>().parameter(0).toEqualTypeOf<{ inputs: ArrayBuffer; rows: number }>();
    expectTypeOf<ReturnType<BackpropApi['predict']>>().toEqualTypeOf<Promise<Prediction>>();
    expectTypeOf<ReturnType<BackpropApi['loadDataset']>>().toEqualTypeOf<Promise<DatasetSummary | null>>();
    expectTypeOf<BackpropApi['onModel']>().toEqualTypeOf<(listener: (payload: ModelInfo) => void) => () => void>();
    expectTypeOf<EventPayload<'state'>['state']>().toEqualTypeOf<'idle' | 'running' | 'paused' | 'stopped' | 'finished' | 'failed'>();
  });

  it('names events as the preload and the adapter expose them', () => {
    expect(eventNames.map(eventMethod)).toEqual(['onMetrics', 'onEpoch', 'onState', 'onError', 'onDataset', 'onModel', 'onCommand']);
    expect(new Set([...requestNames, ...eventNames.map(eventMethod)]).size).toBe(requestNames.length + eventNames.length);
  });

  it('has a payload schema for every request and a schema for every event', () => {
    for (const name of requestNames) expect(requests[name].payload.kind, name).toBe('schema');
    for (const name of eventNames) expect(events[name].kind, name).toBe('schema');
    // The no-payload requests refuse any payload: nothing can smuggle options into them.
    expect(v.safeParse(requests.listBuiltins.payload, undefined).success).toBe(true);
    expect(v.safeParse(requests.listBuiltins.payload, {}).success).toBe(false);
  });
});
