/** An error in Stripe's wire format, so the SDK raises its own typed errors. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { type: string; message: string; code?: string; param?: string },
  ) {
    super(body.message);
  }

  static missing(kind: string, id: string, param = 'id') {
    return new StripeApiError(404, {
      type: 'invalid_request_error',
      code: 'resource_missing',
      param,
      message: `No such ${kind}: '${id}'`,
    });
  }

  static invalid(message: string, param?: string) {
    return new StripeApiError(400, {
      type: 'invalid_request_error',
      code: 'parameter_invalid',
      message,
      ...(param ? { param } : {}),
    });
  }
}
