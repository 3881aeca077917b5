import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMonitorConfig } from '../../src/config/monitor.js';
import { ConfigError } from '../../src/config/env.js';

describe('monitor configuration', () => {
  test('defaults: 0.0.0.0:3031, the influencerai_worker_ prefix, no dashboard, no webhook, threshold 3', () => {
    assert.deepEqual(loadMonitorConfig({}), {
      enabled: true, host: '0.0.0.0', port: 3031, metricsPrefix: 'influencerai_worker_', dashboard: undefined,
      alerts: { webhookUrl: undefined, failureThreshold: 3, timeoutMs: 5000 },
    });
  });

  test('the older names BULL_BOARD_* and ALERT_WEBHOOK_URL are accepted; the new names win when both are set', () => {
    const old = loadMonitorConfig({ BULL_BOARD_USER: 'u', BULL_BOARD_PASSWORD: 'p', ALERT_WEBHOOK_URL: 'https://hooks.example/x' });
    assert.deepEqual(old.dashboard, { user: 'u', password: 'p' });
    assert.equal(old.alerts.webhookUrl, 'https://hooks.example/x');
    const both = loadMonitorConfig({ BULL_BOARD_USER: 'old', WORKER_BULL_BOARD_USER: 'new', WORKER_BULL_BOARD_PASSWORD: 'p' });
    assert.equal(both.dashboard?.user, 'new');
  });

  test('the dashboard needs both a user and a password', () => {
    assert.equal(loadMonitorConfig({ WORKER_BULL_BOARD_USER: 'u' }).dashboard, undefined);
    assert.equal(loadMonitorConfig({ WORKER_BULL_BOARD_PASSWORD: 'p' }).dashboard, undefined);
  });

  test('port 0 (any free port) is allowed; bad values name their variable', () => {
    assert.equal(loadMonitorConfig({ WORKER_MONITOR_PORT: '0' }).port, 0);
    for (const [variable, value] of [
      ['WORKER_MONITOR_PORT', '70000'], ['WORKER_METRICS_PREFIX', 'bad-prefix'], ['WORKER_ALERT_FAILURE_THRESHOLD', '0'],
      ['WORKER_ALERT_WEBHOOK_URL', 'ftp://x'], ['WORKER_MONITOR_ENABLED', 'maybe'],
    ] as const) {
      assert.throws(() => loadMonitorConfig({ [variable]: value }), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.variables, [variable]);
        return true;
      });
    }
  });
});
