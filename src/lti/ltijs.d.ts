declare module 'ltijs' {
  import type { Express, NextFunction, Request, Response } from 'express';

  type LaunchCallback = (
    token: unknown,
    req: Request,
    res: Response,
    next: NextFunction,
  ) => unknown;
  type ErrorCallback = (req: Request, res: Response) => unknown;

  interface LtijsProvider {
    constructor: new () => LtijsProvider;
    setup(
      encryptionKey: string,
      database: { plugin: unknown },
      options: Record<string, unknown>,
    ): LtijsProvider;
    onConnect(callback: LaunchCallback): void;
    onDeepLinking(callback: LaunchCallback): void;
    onInvalidToken(callback: ErrorCallback): void;
    onSessionTimeout(callback: ErrorCallback): void;
    onUnregisteredPlatform(callback: ErrorCallback): void;
    onInactivePlatform(callback: ErrorCallback): void;
    app: Express;
    Grade: {
      submitScore(
        idToken: unknown,
        lineItemId: string,
        score: Record<string, unknown>,
      ): Promise<unknown>;
      getLineItems(
        idToken: unknown,
        options?: Record<string, unknown>,
      ): Promise<{ lineItems: LineItem[] }>;
      createLineItem(idToken: unknown, lineItem: Record<string, unknown>): Promise<LineItem>;
    };
  }

  interface LineItem {
    id: string;
    label?: string;
    tag?: string;
    scoreMaximum?: number;
    resourceLinkId?: string;
  }

  export const Provider: LtijsProvider;
}
