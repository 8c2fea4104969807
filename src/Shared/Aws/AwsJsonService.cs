namespace HybridLogging.Aws;

/// <summary>What an AWS JSON 1.1 service needs to be called.</summary>
/// <param name="SigningName">The SigV4 service name, for example <c>logs</c> or <c>kinesis</c>.</param>
/// <param name="EndpointPrefix">The host prefix of the regional endpoint, for example <c>logs</c> in <c>logs.eu-west-1.amazonaws.com</c>.</param>
/// <param name="TargetPrefix">The <c>X-Amz-Target</c> prefix, for example <c>Logs_20140328</c> or <c>Kinesis_20131202</c>.</param>
internal sealed record AwsJsonService(string SigningName, string EndpointPrefix, string TargetPrefix);
