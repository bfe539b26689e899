import type { Dispatcher } from 'undici';

/**
 * The request's handler, with its error replaced by our diagnosis before it sees it. undici
 * speaks two handler dialects (onError, and onResponseError with a controller); both are caught.
 * Every other call goes to the handler itself, bound, so its private fields keep working.
 */
export function explainingHandler(handler: Dispatcher.DispatchHandler, explain: (error: Error) => Promise<Error>): Dispatcher.DispatchHandler {
  return new Proxy(handler, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      if (property === 'onError') {
        return (error: Error) => void explain(error).then((explained) => value.call(target, explained));
      }
      if (property === 'onResponseError') {
        return (controller: unknown, error: Error) => void explain(error).then((explained) => value.call(target, controller, explained));
      }
      return value.bind(target);
    },
  });
}
