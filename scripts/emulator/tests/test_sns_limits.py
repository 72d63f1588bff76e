"""SNS tag limit, as Bunker's shared helper topic meets it.

SNS API reference, TagResource: a topic has at most 50 tags; past that the call fails with
TagLimitExceededException (error code TagLimitExceeded in the query protocol) and adds
nothing. moto 5.2.1 enforces it on TagResource; this test keeps it so, because Bunker once recorded each deployment
as a tag on its helper topic and broke at about 48 deployments per central prefix.
"""
import pytest
from botocore.exceptions import ClientError
from conftest import error_code


def test_topic_refuses_a_fifty_first_tag(client, unique):
    sns = client("sns")
    arn = sns.create_topic(Name=unique("tags"))["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(ClientError) as e:
        sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "k50", "Value": "v"}])
    assert error_code(e) == "TagLimitExceeded"
    assert len(sns.list_tags_for_resource(ResourceArn=arn)["Tags"]) == 50
    # Replacing an existing key's value is not a new tag.
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "k0", "Value": "w"}])
