output "bucket_name" {
  description = "The web app's LEAD_MAGNET_BUCKET."
  value       = aws_s3_bucket.lead_magnets.id
}

output "bucket_arn" {
  value = aws_s3_bucket.lead_magnets.arn
}

output "guide_object_key" {
  value = var.guide_object_key
}

output "ses_identity_arn" {
  value = aws_sesv2_email_identity.domain.arn
}

output "from_address" {
  description = "Use it in the worker's LEAD_MAGNET_FROM_EMAIL, e.g. \"Light & Shutter <guide@…>\"."
  value       = var.from_address
}

output "dns_records" {
  description = "DKIM, MAIL FROM (MX + SPF) and DMARC records to publish (created in Route 53 when route53_zone_id is set)."
  value       = local.dns_records
}

output "iam_policy_arn" {
  value = aws_iam_policy.lead_magnet_app.arn
}

output "app_user_name" {
  description = "IAM user to create an access key for (out of band), when create_app_user is true."
  value       = var.create_app_user ? aws_iam_user.app[0].name : null
}
