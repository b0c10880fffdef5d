// Bybit's error answer: HTTP 200 with `{retCode, retMsg}` (docs v5/error), and the translation of the
// shared engine's rejections, which carry Binance codes, into the retCodes Bybit answers for the same
// rule. ccxt reads `retCode` (exact table) and matches `retMsg` against its broad table first, so no
// message here contains "Request timeout", "invalid api_key", "oc_diff" or "unknown orderInfo".
import { SimError } from '../sim-types.js';

export class BybitError extends Error {
  constructor(readonly retCode: number, readonly retMsg: string) {
    super(retMsg);
  }
}

export const MSG = {
  params: 'params error',
  positionIdx: 'position idx not match position mode',
  notExists: 'order not exists or too late to cancel',
  duplicate: 'OrderLinkedID is duplicate',
  stopOrders: 'The number of stop orders exceeds maximum limit allowed',
  reduceOnly: 'Reduce-only rule not satisfied',
  margin: 'ab not enough for new order',
  unchanged: 'The order remains unchanged as the parameters entered match the existing ones.',
  apiKey: 'API key is invalid.',
  sign: 'Error sign, please check your signature generation algorithm.',
  tooManyVisits: 'Too many visits!',
  serverError: 'Server error.',
} as const;

/** Engine (Binance-coded) rejections and the retCode Bybit answers for the same rule. */
const FROM_ENGINE: Record<number, [number, string?]> = {
  [-1121]: [10001, 'params error: symbol invalid'],
  [-1102]: [10001],
  [-1100]: [10001],
  [-1116]: [10001, 'params error: orderType invalid'],
  [-1115]: [10001, 'params error: timeInForce invalid'],
  [-4003]: [10001, 'params error: qty invalid'],
  [-1111]: [10001, 'params error: qty has too many decimals for the qtyStep'],
  [-4004]: [10001, 'The number of contracts is below the minimum allowed'],
  [-4005]: [10001, 'The number of contracts exceeds maximum limit allowed: too large'],
  [-4001]: [10001, 'params error: price invalid'],
  [-4014]: [10001, 'params error: price has too many decimals for the tickSize'],
  [-4016]: [110003, 'Order price is out of permissible range'],
  [-4024]: [110003, 'Order price is out of permissible range'],
  [-4164]: [110094, 'Order notional value below the lower limit'],
  [-2019]: [110007, MSG.margin],
  [-2022]: [110017, MSG.reduceOnly],
  [-4118]: [110017, MSG.reduceOnly],
  [-2025]: [110020, 'number of active orders greater than 500'],
  [-4045]: [110009, MSG.stopOrders],
  [-4061]: [10001, MSG.positionIdx],
  [-4015]: [10001, 'params error: orderLinkId invalid'],
  [-4116]: [110072, MSG.duplicate],
  [-20132]: [110072, MSG.duplicate],
  [-2011]: [110001, MSG.notExists],
  [-2013]: [110001, MSG.notExists],
  [-5027]: [10001, MSG.unchanged],
  [-5025]: [10001, 'params error: only a limit order can be amended'],
  [-5029]: [110094, 'Order notional value below the lower limit'],
};

/** Any error as a Bybit error: a BybitError as it is, an engine rejection translated, anything else 10016. */
export function asBybit(error: unknown): BybitError {
  if (error instanceof BybitError) return error;
  if (error instanceof SimError) {
    const [code, msg] = FROM_ENGINE[error.code] ?? [10001];
    return new BybitError(code, msg ?? `${MSG.params}: ${error.msg}`);
  }
  return new BybitError(10016, MSG.serverError);
}

/** The V5 envelope; `time` is the wall clock (what /v5/market/time serves). */
export function envelope(result: unknown, time: number, retCode = 0, retMsg = 'OK') {
  return { retCode, retMsg, result, retExtInfo: {}, time };
}
