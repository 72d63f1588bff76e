output "standard_vault_arn" { value = aws_backup_vault.standard.arn }
output "intermediate_vault_arn" { value = aws_backup_vault.intermediate.arn }
output "lag_vault_arn" { value = aws_backup_logically_air_gapped_vault.lag.arn }
output "kms_key_arn" { value = aws_kms_key.this.arn }
output "backup_policy_id" { value = aws_organizations_policy.backup.id }
