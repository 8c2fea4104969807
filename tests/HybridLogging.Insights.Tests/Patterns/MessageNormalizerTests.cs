using HybridLogging.Insights.Patterns;

namespace HybridLogging.Insights.Tests.Patterns;

public sealed class MessageNormalizerTests
{
    // Real-world shapes: web server access and error lines, databases, cloud SDKs, .NET exception messages, app text.
    public static TheoryData<string, string> Messages => new()
    {
        // Web servers
        { "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326", "{IPv4} - frank [{Timestamp}] \"GET {Path} HTTP/{Number}\" {Number} {Number}" },
        { "192.168.1.20 - - [01/Dec/2026:02:07:42 +0000] \"POST /api/v1/orders?id=42 HTTP/1.1\" 500 17 \"-\" \"curl/8.5.0\"", "{IPv4} - - [{Timestamp}] \"POST {Path} HTTP/{Number}\" {Number} {Number} \"-\" \"curl/{Number}.{Number}\"" },
        { "2026/12/01 02:07:42 [error] 1234#1234: *5678 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.5, server: example.com", "{Timestamp} [error] {Number}#{Number}: *{Number} connect() failed ({Number}: Connection refused) while connecting to upstream, client: {IPv4}, server: example.com" },
        { "Request starting HTTP/1.1 GET http://localhost:5000/health - - -", "Request starting HTTP/{Number} GET {Url} - - -" },
        { "Request finished HTTP/2 GET https://api.contoso.com/v2/users/8812 - 200 null application/json 12.3456ms", "Request finished HTTP/{Number} GET {Url} - {Number} null application/json {Duration}" },
        { "Upstream timed out after 30s while reading response header from 10.1.2.3:8080", "Upstream timed out after {Duration} while reading response header from {IPv4}:{Number}" },
        { "Listening on [::]:443 and 0.0.0.0:80", "Listening on [{IPv6}]:{Number} and {IPv4}:{Number}" },
        { "Client fe80::1ff:fe23:4567:890a disconnected", "Client {IPv6} disconnected" },
        { "Blocked 2001:db8::8a2e:370:7334 after 5 failed attempts", "Blocked {IPv6} after {Number} failed attempts" },
        { "Rate limit exceeded for 203.0.113.0/24 (limit 100 per 1 minute)", "Rate limit exceeded for {IPv4} (limit {Number} per {Duration})" },

        // Databases
        { "ERROR: duplicate key value violates unique constraint \"users_email_key\" DETAIL: Key (email)=(jane.doe@example.com) already exists.", "ERROR: duplicate key value violates unique constraint \"users_email_key\" DETAIL: Key (email)=({Email}) already exists." },
        { "Deadlock found when trying to get lock; try restarting transaction (thread 48213)", "Deadlock found when trying to get lock; try restarting transaction (thread {Number})" },
        { "Timeout expired. The timeout period elapsed prior to completion of the operation. Executed in 30000 ms", "Timeout expired. The timeout period elapsed prior to completion of the operation. Executed in {Duration}" },
        { "Executed DbCommand (12ms) [Parameters=[@__id_0='42'], CommandType='Text', CommandTimeout='30']", "Executed DbCommand ({Duration}) [Parameters=[@__id_0='{Number}'], CommandType='Text', CommandTimeout='{Number}']" },
        { "Connection to postgres://db.internal:5432/orders failed: too many clients already", "Connection to {Url} failed: too many clients already" },
        { "MongoServerSelectionError: connect ECONNREFUSED 10.20.30.40:27017", "MongoServerSelectionError: connect ECONNREFUSED {IPv4}:{Number}" },
        { "Redis connection lost to cache-01.internal:6379 after 1.5s, reconnecting", "Redis connection lost to cache-{Number}.internal:{Number} after {Duration}, reconnecting" },
        { "Slow query took 2.75 seconds: SELECT * FROM orders WHERE customer_id = 991", "Slow query took {Duration}: SELECT * FROM orders WHERE customer_id = {Number}" },
        { "Row 7f3a9c2e1b4d5f60 not found in table events", "Row {Hex} not found in table events" },

        // Cloud SDKs
        { "Amazon.DynamoDBv2.Model.ProvisionedThroughputExceededException: Rate exceeded for table orders (Request ID: 5QJ8K2L1M3N4P5R6S7T8U9V0W1X2Y3Z4)", "Amazon.DynamoDBv2.Model.ProvisionedThroughputExceededException: Rate exceeded for table orders (Request ID: {Id})" },
        { "An error occurred (ThrottlingException) when calling the InvokeModel operation: Too many requests, request id 3f1c2a4e-8b7d-4c6e-9f0a-1b2c3d4e5f60", "An error occurred (ThrottlingException) when calling the InvokeModel operation: Too many requests, request id {Guid}" },
        { "S3 PutObject to s3://logs-bucket/2026/12/01/app.json.gz took 840ms", "S3 PutObject to {Url} took {Duration}" },
        { "Retrying CloudWatch PutLogEvents in 250ms (attempt 3 of 5)", "Retrying CloudWatch PutLogEvents in {Duration} (attempt {Number} of {Number})" },
        { "Instance i-0abc1234def567890 entered state stopping at 2026-12-01T02:07:42.123Z", "Instance {Id} entered state stopping at {Timestamp}" },
        { "Azure.RequestFailedException: Status: 429 (Too Many Requests) ErrorCode: ServerBusy Retry-After: 10", "Azure.RequestFailedException: Status: {Number} (Too Many Requests) ErrorCode: ServerBusy Retry-After: {Number}" },
        { "Kinesis PutRecords: 3 of 500 records failed with ProvisionedThroughputExceededException", "Kinesis PutRecords: {Number} of {Number} records failed with ProvisionedThroughputExceededException" },
        { "Assumed role arn:aws:iam::123456789012:role/app-role, credentials expire at 2026-12-01 03:07:42", "Assumed role arn:aws:iam::{Number}:role/app-role, credentials expire at {Timestamp}" },
        { "Uploaded blob https://acct.blob.core.windows.net/container/file.txt?sv=2021-08-06&sig=abc (4096 bytes)", "Uploaded blob {Url} ({Number} bytes)" },

        // .NET exception messages
        { "System.IO.FileNotFoundException: Could not find file '/var/app/config/settings.Production.json'.", "System.IO.FileNotFoundException: Could not find file '{Path}'." },
        { "System.IO.DirectoryNotFoundException: Could not find a part of the path 'C:\\inetpub\\wwwroot\\App_Data\\cache'.", "System.IO.DirectoryNotFoundException: Could not find a part of the path '{Path}'." },
        { "System.TimeoutException: The operation has timed out after 00:00:30", "System.TimeoutException: The operation has timed out after {Time}" },
        { "System.Net.Http.HttpRequestException: No connection could be made because the target machine actively refused it. (localhost:7071)", "System.Net.Http.HttpRequestException: No connection could be made because the target machine actively refused it. (localhost:{Number})" },
        { "System.ArgumentOutOfRangeException: Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index') Actual value was -1.", "System.ArgumentOutOfRangeException: Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index') Actual value was {Number}." },
        { "System.InvalidOperationException: Sequence contains no elements", "System.InvalidOperationException: Sequence contains no elements" },
        { "System.Collections.Generic.KeyNotFoundException: The given key 'order-98812' was not present in the dictionary.", "System.Collections.Generic.KeyNotFoundException: The given key '{Id}' was not present in the dictionary." },
        { "System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.", "System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of {Duration} elapsing." },
        { "System.ObjectDisposedException: Cannot access a disposed object. Object name: 'System.Net.Sockets.Socket'.", "System.ObjectDisposedException: Cannot access a disposed object. Object name: 'System.Net.Sockets.Socket'." },
        { "System.OutOfMemoryException: Array dimensions exceeded supported range at 0x00007FFB3C2A1F40", "System.OutOfMemoryException: Array dimensions exceeded supported range at {Hex}" },
        { "Unhandled exception. System.FormatException: The input string '12a' was not in a correct format.", "Unhandled exception. System.FormatException: The input string '{Number}a' was not in a correct format." },

        // Application text
        { "User 123 logged in", "User {Number} logged in" },
        { "User jane.doe@example.com logged in from 10.0.0.7", "User {Email} logged in from {IPv4}" },
        { "Order 5f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8 shipped on 2026-12-01", "Order {Guid} shipped on {Date}" },
        { "Job nightly-export finished in 1h with 0 errors", "Job nightly-export finished in {Duration} with {Number} errors" },
        { "Cache hit ratio 0.93 over last 5 min", "Cache hit ratio {Number} over last {Duration}" },
        { "Dec  1 02:07:42 web01 sshd[4242]: Accepted publickey for deploy from 198.51.100.7 port 52311 ssh2", "{Timestamp} web01 sshd[{Number}]: Accepted publickey for deploy from {IPv4} port {Number} ssh2" },
        { "Wrote checkpoint to ./data/checkpoints/cp-000123.bin at 02:07:42.512", "Wrote checkpoint to {Path} at {Time}" },
        { "Temperature dropped to -4.5 at sensor user1234", "Temperature dropped to {Number} at sensor {Id}" },
        { "Commit a3f9c2e1b7 deployed to ~/releases/current by ci", "Commit {Hex} deployed to {Path} by ci" },
        { "Last-Modified: Tue, 15 Nov 1994 08:12:31 GMT", "Last-Modified: {Timestamp}" },
        { "Processed 15/01/2026 batch", "Processed {Date} batch" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Normalize_replaces_variable_parts_with_named_placeholders(string message, string expected)
    {
        var normalizer = new MessageNormalizer(1000);
        Assert.Equal(expected, normalizer.Normalize(message).ToString());
    }

    [Fact]
    public void The_table_has_at_least_forty_real_world_messages() => Assert.True(Messages.Count >= 40, $"{Messages.Count} messages");

    [Fact]
    public void Normalize_leaves_text_without_variable_parts_unchanged()
    {
        var normalizer = new MessageNormalizer(1000);
        const string Text = "Application started. Press Ctrl+C to shut down.";
        Assert.Equal(Text, normalizer.Normalize(Text).ToString());
    }

    [Fact]
    public void Normalize_gives_one_pattern_for_messages_that_differ_only_in_values()
    {
        var normalizer = new MessageNormalizer(1000);
        var a = normalizer.Normalize("Payment 4411 for jane@contoso.com failed after 120ms").ToString();
        var b = normalizer.Normalize("Payment 98 for bob@fabrikam.org failed after 3.5s").ToString();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Normalize_scans_only_the_configured_prefix()
    {
        var normalizer = new MessageNormalizer(20);
        Assert.Equal("User {Number} logged in f", normalizer.Normalize("User 123 logged in from 10.0.0.7").ToString());
    }
}
