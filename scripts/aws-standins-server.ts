import { GUIDE_BUCKET, GUIDE_OBJECT_KEY } from './aws-standins.js';
import { DEFAULT_S3_PORT, DEFAULT_SES_PORT, startLocalAws } from './local-aws.js';

// The S3 and SES stand-ins as a process of their own (docker-compose service `aws-standins`):
//   node --import tsx scripts/aws-standins-server.ts
// Settings: AWS_STANDINS_HOST (127.0.0.1), S3RVER_PORT (4569), SES_LOCAL_PORT (8005), S3RVER_DIRECTORY.
const aws = await startLocalAws({
  host: process.env.AWS_STANDINS_HOST ?? '127.0.0.1',
  s3Port: Number(process.env.S3RVER_PORT ?? DEFAULT_S3_PORT),
  sesPort: Number(process.env.SES_LOCAL_PORT ?? DEFAULT_SES_PORT),
  s3Directory: process.env.S3RVER_DIRECTORY,
});
console.log(`s3rver      ${aws.s3Endpoint}   (s3://${GUIDE_BUCKET}/${GUIDE_OBJECT_KEY} seeded)`);
console.log(`SES v2      ${aws.sesEndpoint}   (sent mail: ${aws.sesEndpoint}/store)`);

async function stop() {
  await aws.stop();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
