import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresScope } from '../../auth/requires-scope.decorator';
import { ProjectionAdmin } from '../../event-store';
import type { TenantReaderStatus } from '../../event-store';
import { currentTenant } from '../../shared/application/request-context';
import {
  ApiProblem,
  PROBLEM_EXAMPLES as P,
} from '../../shared/interface/http/api-problem.decorator';
import { ServiceStatusDto } from './dto/status.response.dto';

/**
 * The HTTP face of `projections status`, for one tenant: the same application service
 * (`ProjectionAdmin`), in the view a tenant may have of a service it shares.
 */
@RequiresScope('admin:read')
@ApiTags('admin')
@ApiProblem(500, 'Unexpected failure; details are logged, not returned.', [P.internal])
@Controller('admin')
export class StatusController {
  constructor(private readonly projections: ProjectionAdmin) {}

  @Get('status')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "Where the service's readers of the log stand for the tenant",
    description:
      'Every projection and subscription (the broker publisher among them), with the number ' +
      "of the tenant's events it has not taken yet and the age of the oldest; the tenant's " +
      'webhook endpoints with their positions too. Positions in the shared log and counts of ' +
      "other tenants' events are not shown: they would tell how busy other tenants are. " +
      '`npm run cli -- projections status` shows the whole service.',
  })
  @ApiOkResponse({ type: ServiceStatusDto })
  async status(): Promise<{ readers: TenantReaderStatus[] }> {
    return { readers: await this.projections.tenantStatus(currentTenant()) };
  }
}
