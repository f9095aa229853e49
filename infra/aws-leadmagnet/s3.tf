# Private bucket: no public access of any kind; the app hands out 15-minute presigned GET URLs.
resource "aws_s3_bucket" "lead_magnets" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_ownership_controls" "lead_magnets" {
  bucket = aws_s3_bucket.lead_magnets.id

  rule {
    object_ownership = "BucketOwnerEnforced" # ACLs disabled
  }
}

resource "aws_s3_bucket_public_access_block" "lead_magnets" {
  bucket = aws_s3_bucket.lead_magnets.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# SSE-S3 rather than SSE-KMS: presigned URLs then need no kms:Decrypt grant next to s3:GetObject.
resource "aws_s3_bucket_server_side_encryption_configuration" "lead_magnets" {
  bucket = aws_s3_bucket.lead_magnets.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "lead_magnets" {
  bucket = aws_s3_bucket.lead_magnets.id

  versioning_configuration {
    status = var.enable_versioning ? "Enabled" : "Disabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "lead_magnets" {
  bucket     = aws_s3_bucket.lead_magnets.id
  depends_on = [aws_s3_bucket_versioning.lead_magnets]

  rule {
    id     = "expire-replaced-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

# Downloads are usually plain navigations (no CORS needed); this lets the success page fetch or
# HEAD the presigned URL from the site's origins as well.
resource "aws_s3_bucket_cors_configuration" "lead_magnets" {
  bucket = aws_s3_bucket.lead_magnets.id

  cors_rule {
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = var.cors_allowed_origins
    allowed_headers = ["Range"]
    expose_headers  = ["Content-Disposition", "Content-Length", "Content-Type", "ETag"]
    max_age_seconds = 3600
  }
}

# Refuse plain-HTTP requests (presigned URLs are https anyway).
data "aws_iam_policy_document" "bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.lead_magnets.arn,
      "${aws_s3_bucket.lead_magnets.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "lead_magnets" {
  bucket     = aws_s3_bucket.lead_magnets.id
  policy     = data.aws_iam_policy_document.bucket.json
  depends_on = [aws_s3_bucket_public_access_block.lead_magnets]
}

resource "aws_s3_object" "guide" {
  count = var.guide_source_path == null ? 0 : 1

  bucket              = aws_s3_bucket.lead_magnets.id
  key                 = var.guide_object_key
  source              = var.guide_source_path
  source_hash         = filemd5(var.guide_source_path)
  content_type        = "application/pdf"
  content_disposition = "attachment; filename=\"${basename(var.guide_object_key)}\""

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.lead_magnets]
}
