import type { Dispatcher } from 'undici';

/**
 * The request's handler, with its error replaced by our diagnosis before it sees it. undici
 * speaks two handler dialects (onError, and onResponseError with a controller); both are caught.
 * Every other call goes to the handler itself, bound, so its private fields keep working.
 */
export function explainingHandler(handler: Dispatcher.DispatchHandler, explain: (error: Error) => Promise<Error>): Dispatcher.DispatchHandler {
  // undici looks its handler's methods up on every chunk: bind each once, not on every look-up.
  const bound = new Map<PropertyKey, { value: unknown; wrapped: unknown }>();
  return new Proxy(handler, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      const cached = bound.get(property);
      if (cached && cached.value === value) return cached.wrapped;
      let wrapped: unknown;
      if (property === 'onError') {
        wrapped = (error: Error) => void explain(error).then((explained) => value.call(target, explained));
      } else if (property === 'onResponseError') {
        wrapped = (controller: unknown, error: Error) => void explain(error).then((explained) => value.call(target, controller, explained));
      } else wrapped = value.bind(target);
      bound.set(property, { value, wrapped });
      return wrapped;
    },
  });
}
