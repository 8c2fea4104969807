using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace HybridLogging.Sinks.S3.Tests.Kit;

/// <summary>One stored object, decompressed: its key, metadata and JSON lines.</summary>
public sealed record ArchivedObject(string Key, long Size, string? ContentType, string? ContentEncoding, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<string> Lines)
{
    public IEnumerable<JsonElement> Entries => Lines.Select(l => JsonDocument.Parse(l).RootElement);
}

/// <summary>Reads a bucket back the way a consumer would: ListObjectsV2, GetObject, decompress, split lines.</summary>
public static class Archive
{
    public static async Task<IReadOnlyList<ArchivedObject>> ReadAsync(IAmazonS3 client, string bucket, CancellationToken cancellationToken, string prefix = "")
    {
        var objects = new List<ArchivedObject>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token, MaxKeys = 1000 }, cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                using var response = await client.GetObjectAsync(bucket, item.Key, cancellationToken);
                using var raw = new MemoryStream();
                await response.ResponseStream.CopyToAsync(raw, cancellationToken);
                var text = Decode(item.Key, raw.ToArray());
                var metadata = response.Metadata.Keys.ToDictionary(k => k, k => response.Metadata[k], StringComparer.OrdinalIgnoreCase);
                objects.Add(new ArchivedObject(
                    item.Key,
                    item.Size ?? raw.Length,
                    response.Headers.ContentType,
                    response.Headers.ContentEncoding,
                    metadata,
                    text.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        return objects;
    }

    private static string Decode(string key, byte[] bytes)
    {
        // By content, not only by name: a test may plant a plain object under a .gz key.
        if (key.EndsWith(".gz", StringComparison.Ordinal) && bytes is [0x1f, 0x8b, ..])
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            return reader.ReadToEnd();
        }

        if (key.EndsWith(".zst", StringComparison.Ordinal) && bytes is [0x28, 0xb5, 0x2f, 0xfd, ..])
        {
            using var zstd = new ZstdSharp.DecompressionStream(new MemoryStream(bytes));
            using var reader = new StreamReader(zstd, Encoding.UTF8);
            return reader.ReadToEnd();
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
