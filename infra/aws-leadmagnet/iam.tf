# Least privilege for the web app (presigns GETs of the guide) and the worker (sends the emails):
# read objects under lead-magnets/ of this bucket, send from one address of this identity. Nothing else.
data "aws_iam_policy_document" "lead_magnet_app" {
  statement {
    sid       = "ReadLeadMagnetObjects"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.lead_magnets.arn}/lead-magnets/*"]
  }

  statement {
    sid       = "SendLeadMagnetEmails"
    effect    = "Allow"
    actions   = ["ses:SendEmail"]
    resources = [aws_sesv2_email_identity.domain.arn]

    condition {
      test     = "StringEquals"
      variable = "ses:FromAddress"
      values   = [var.from_address]
    }
  }
}

resource "aws_iam_policy" "lead_magnet_app" {
  name        = "prospectflow-lead-magnet"
  description = "Lead magnet: s3:GetObject on ${var.bucket_name}/lead-magnets/*, ses:SendEmail from ${var.from_address}"
  policy      = data.aws_iam_policy_document.lead_magnet_app.json
}

resource "aws_iam_role_policy_attachment" "app_role" {
  count = var.app_role_name == null ? 0 : 1

  role       = var.app_role_name
  policy_arn = aws_iam_policy.lead_magnet_app.arn
}

resource "aws_iam_user" "app" {
  count = var.create_app_user ? 1 : 0

  name = "prospectflow-lead-magnet"
}

resource "aws_iam_user_policy_attachment" "app_user" {
  count = var.create_app_user ? 1 : 0

  user       = aws_iam_user.app[0].name
  policy_arn = aws_iam_policy.lead_magnet_app.arn
}
