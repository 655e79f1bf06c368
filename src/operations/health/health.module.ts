import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealth } from './database.health';
import { HealthController } from './health.controller';
import { ReadinessChecks } from './readiness-checks';

/** `GET /health/live` and `GET /health/ready`; other modules add readiness checks. */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ReadinessChecks, DatabaseHealth],
  exports: [ReadinessChecks],
})
export class HealthModule {}
