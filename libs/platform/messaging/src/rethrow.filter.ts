import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter logs an error and replaces it with "Internal server error". The event
 * log server needs the error itself (to tell a transient failure from a bad record, and to put
 * the reason in the dead letter), so the microservice rethrows what handlers throw.
 */
@Catch()
export class RethrowFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
