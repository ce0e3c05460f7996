import {
  BadRequestError,
  ConflictError,
  MicrocredError,
  NotFoundError,
  UnauthorizedError,
} from '../../errors.js';

/** The wallet's message is not the JSON this step of the exchange expects. */
export class WalletPresentationInvalidError extends BadRequestError {
  override readonly code = 'WALLET_PRESENTATION_INVALID';
}

/**
 * The wallet did not prove control of its DID: the presentation is unsigned, signed by another
 * key than its holder's, for another challenge or domain, or its signature does not verify.
 */
export class WalletDidAuthFailedError extends UnauthorizedError {
  override readonly code = 'WALLET_DID_AUTH_FAILED';
}

/** No exchange of this kind has this id. */
export class WalletExchangeUnknownError extends NotFoundError {
  override readonly code = 'WALLET_EXCHANGE_UNKNOWN';
}

/** The exchange handed its credential out already: each link works once. */
export class WalletExchangeUsedError extends ConflictError {
  override readonly code = 'WALLET_EXCHANGE_USED';
}

/** The exchange outlived its life (410 Gone): the learner opens a new one. */
export class WalletExchangeExpiredError extends MicrocredError {
  override readonly code = 'WALLET_EXCHANGE_EXPIRED';
  override readonly status = 410;
  override readonly expose = true;
}
