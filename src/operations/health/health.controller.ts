import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import type { HealthCheckResult } from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/public.decorator';
import { ApiProblem } from '../../shared/interface/http/api-problem.decorator';
import { problemType } from '../../shared/interface/http/problem-details';
import { ReadinessChecks } from './readiness-checks';

const NOT_READY_EXAMPLE = {
  type: problemType('service-unavailable'),
  title: 'Service unavailable',
  status: 503,
  detail: 'Not ready: database is down.',
  instance: '/health/ready',
};

/** Probes for a load balancer or an orchestrator; open even when authentication is on. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessChecks,
  ) {}

  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP (checks nothing else)' })
  @ApiOkResponse({ description: 'Alive.' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: the database answers (and every other registered check passes)',
  })
  @ApiOkResponse({ description: 'Ready for traffic.' })
  @ApiProblem(503, 'Not ready: a check failed, or the service is shutting down.', [
    NOT_READY_EXAMPLE,
  ])
  async ready(): Promise<HealthCheckResult> {
    if (this.readiness.isDraining) {
      throw new ServiceUnavailableException('Not ready: the service is shutting down.');
    }
    try {
      return await this.health.check(this.readiness.all());
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        const result = error.getResponse() as Partial<HealthCheckResult>;
        const down = Object.keys(result.error ?? {});
        throw new ServiceUnavailableException(
          `Not ready: ${down.length > 0 ? down.join(', ') : 'a check'} is down.`,
        );
      }
      throw error;
    }
  }
}
