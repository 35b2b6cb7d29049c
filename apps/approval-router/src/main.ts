/**
 * The approval-router as its own process. Separate processes need a shared log (Kafka) and shared read models
 * (MongoDB); until those adapters land, the embedded file log supports only the all-in-one process.
 */
process.stderr.write(
  'countersign-approval-router: running services as separate processes needs COUNTERSIGN_KAFKA_BROKERS (not supported yet); ' +
    'run all five in one process with `npm start`\n',
);
process.exit(2);
